import { SftforgeError } from '../../core/errors.js';

/** An answer the converter cannot handle (so far only: nested beyond what turndown's recursion survives). */
export class HtmlConversionError extends SftforgeError {}
