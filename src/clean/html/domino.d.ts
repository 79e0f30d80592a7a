// @mixmark-io/domino (turndown's own HTML5 parser) types itself as module 'domino'; this names
// the parts used here under the name it is imported by.
declare module '@mixmark-io/domino' {
  export function createDocument(html?: string, force?: boolean): Document;
}
