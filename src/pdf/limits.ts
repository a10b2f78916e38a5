/** Limits shared by the input modules. */

/** Above this many pixels per page we refuse (TOO_LARGE). */
export const MAX_PIXELS = 200_000_000;
