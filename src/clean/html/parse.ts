/**
 * HTML → the converter's DOM (dom.ts), through parse5: the WHATWG tree-construction algorithm, so
 * misnested, unclosed and truncated answers get the tree a browser (and domino, used before)
 * builds, at twice domino's speed and with nodes a third the size. Well-formed answers (nearly
 * all) take fast-parse.ts's path, which builds the same tree three times faster.
 */
import { type DefaultTreeAdapterMap, parseFragment, type TreeAdapter, type TreeAdapterTypeMap } from 'parse5';
import { parseSimple } from './fast-parse.js';
import { type Attr, HComment, HElement, type HNode, HText, HTML_NS, TEXT_NODE } from './dom.js';

type Map = TreeAdapterTypeMap<HNode, HElement, HNode, HElement, HElement, HElement, HComment, HText, HElement, HNode>;
type NS = Parameters<TreeAdapter<DefaultTreeAdapterMap>['createElement']>[1];

class Doctype extends HComment {}

const modes = new WeakMap<HElement, string>();

const adapter: TreeAdapter<Map> = {
  createDocument: () => new HElement('#document'),
  createDocumentFragment: () => new HElement('#fragment'),
  createElement: (tag, ns, attrs) => new HElement(tag, ns, attrs as Attr[]),
  createCommentNode: (data) => new HComment(data),
  createTextNode: (value) => new HText(value),
  appendChild: (parent, node) => void parent.insertBefore(node, null),
  insertBefore: (parent, node, ref) => void parent.insertBefore(node, ref),
  insertText: (parent, text) => parent.appendText(text),
  insertTextBefore: (parent, text, ref) => parent.appendText(text, ref),
  detachNode: (node) => node.parentNode?.removeChild(node),
  setTemplateContent: (el, content) => {
    el.content = content;
  },
  getTemplateContent: (el) => el.content ?? new HElement('#fragment'),
  setDocumentType: (doc, name) => {
    for (let c = doc.firstChild; c; c = c.nextSibling) if (c instanceof Doctype) return;
    doc.insertBefore(new Doctype(name), doc.firstChild);
  },
  setDocumentMode: (doc, mode) => void modes.set(doc, mode),
  getDocumentMode: (doc) => (modes.get(doc) ?? 'no-quirks') as ReturnType<TreeAdapter<Map>['getDocumentMode']>,
  adoptAttributes: (el, attrs) => {
    for (const a of attrs) if (!el.hasAttribute(a.name)) el.attrs.push({ name: a.name, value: a.value });
  },
  getFirstChild: (node) => node.firstChild,
  getChildNodes: (node) => node.childNodes,
  getParentNode: (node) => node.parentNode,
  getAttrList: (el) => el.attrs as ReturnType<TreeAdapter<Map>['getAttrList']>,
  getTagName: (el) => el.localName,
  getNamespaceURI: (el) => el.namespaceURI as NS,
  getTextNodeContent: (node) => node.data,
  getCommentNodeContent: (node) => node.data,
  getDocumentTypeNodeName: (node) => (node as HComment).data,
  getDocumentTypeNodePublicId: () => '',
  getDocumentTypeNodeSystemId: () => '',
  isTextNode: (node): node is HText => node.nodeType === TEXT_NODE,
  isCommentNode: (node): node is HComment => node instanceof HComment && !(node instanceof Doctype),
  isDocumentTypeNode: (node): node is HNode => node instanceof Doctype,
  isElementNode: (node): node is HElement => node instanceof HElement && node.localName[0] !== '#',
  setNodeSourceCodeLocation: () => {},
  getNodeSourceCodeLocation: () => undefined,
  updateNodeSourceCodeLocation: () => {},
};

/**
 * Parse `html` as the content of a `<tag>` element (the fragment algorithm, in-body context) and
 * return that element holding the result.
 */
export function parseInto(tag: string, html: string): HElement {
  const simple = parseSimple(tag, html);
  if (simple) return simple;
  const context = new HElement(tag, HTML_NS);
  const fragment = parseFragment(context, html, { treeAdapter: adapter });
  // The fragment's children move into the element (O(1) each: linked list).
  while (fragment.firstChild) context.appendChild(fragment.firstChild);
  return context;
}
