import { firstVerify } from './first-verify.js';

export default {
  async fetch() {
    return Response.json(await firstVerify());
  },
};
