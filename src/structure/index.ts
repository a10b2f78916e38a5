/** Structure and catalogue data of administrative documents (Nghị định 30/2020/NĐ-CP layout). */
export { extract } from './extract.js';
export type { Section, Signer, VanBanStructure } from './types.js';
