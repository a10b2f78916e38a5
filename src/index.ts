/** vanban public API. */
export * from './types.js';
export { VanbanError, isVanbanError, type VanbanErrorCode } from './errors.js';
