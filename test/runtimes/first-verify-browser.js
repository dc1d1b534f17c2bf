import { firstVerify } from './first-verify.js';

globalThis.firstVerifyResult = firstVerify();
