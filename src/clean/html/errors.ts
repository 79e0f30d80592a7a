import { SftforgeError } from '../../core/errors.js';

/** An answer the converter cannot handle (so far only: nested beyond what the serializer's recursion accepts). */
export class HtmlConversionError extends SftforgeError {}
