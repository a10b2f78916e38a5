/** Structure and catalogue data of administrative documents (Nghị định 30/2020/NĐ-CP layout). */
export { extract, toSourceLines } from './extract.js';
export { DOC_TYPES, matchTypeLine, typeFromSymbol, type DocType } from './doctypes.js';
export type {
  ExtractOptions,
  Field,
  FieldName,
  FieldSource,
  NumberingStyle,
  Section,
  Signer,
  SourceLine,
  VanBanStructure,
} from './types.js';
