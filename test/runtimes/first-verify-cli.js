// Node, Deno and Bun: spawned by the matrix to time a whole process, from spawn to the first verified
// token (compare with empty.js, the runtime's own start).
import { firstVerify } from './first-verify.js';

console.log(JSON.stringify(await firstVerify()));
