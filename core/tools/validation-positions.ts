/**
 * Where a node sits in the tree, as the tool-code rules need to know it: whether an
 * identifier names a variable or merely a property or label, what an assignment
 * writes to, and whether a network call is inside error handling.
 */
import type * as acorn from 'acorn';
import { isFunctionNode, staticMemberName, type AstNode } from './ast.js';

export interface Ancestor {
  node: AstNode;
  key: string;
}

const PATTERN_TYPES: ReadonlySet<string> = new Set(['Identifier', 'ObjectPattern', 'ArrayPattern', 'RestElement', 'AssignmentPattern', 'Property']);

/** Whether a child is (part of) a declaration's binding pattern, where identifiers declare names. */
export function childIsBindingPattern(parent: AstNode, key: string, child: AstNode, parentInPattern: boolean): boolean {
  if (parent.type === 'VariableDeclarator') return key === 'id';
  if (isFunctionNode(parent)) return key === 'params';
  if (parent.type === 'CatchClause') return key === 'param';
  if (!parentInPattern || !PATTERN_TYPES.has(child.type)) return false;
  if (parent.type === 'AssignmentPattern') return key === 'left';
  if (parent.type === 'Property') return key === 'value' || (key === 'key' && !parent.computed);
  return true;
}

/** Identifier positions that name something rather than refer to a variable. */
export function isNonReferencePosition(parent: AstNode | undefined, key: string): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return key === 'property' && !parent.computed;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
      return key === 'key' && !parent.computed;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return key === 'label';
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ClassDeclaration':
    case 'ClassExpression':
      return key === 'id';
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportSpecifier':
    case 'MetaProperty':
      return true;
    default:
      return false;
  }
}

/** Identifiers and member expressions an assignment target writes to (destructuring included). */
export function writtenTargets(target: AstNode): AstNode[] {
  switch (target.type) {
    case 'Identifier':
    case 'MemberExpression':
      return [target];
    case 'ObjectPattern':
      return target.properties.flatMap((property) => writtenTargets(property.type === 'RestElement' ? property.argument : property.value));
    case 'ArrayPattern':
      return target.elements.flatMap((element) => (element ? writtenTargets(element) : []));
    case 'AssignmentPattern':
      return writtenTargets(target.left);
    case 'RestElement':
      return writtenTargets(target.argument);
    case 'ChainExpression':
      return writtenTargets(target.expression);
    default:
      return [];
  }
}

/**
 * Handled means: lexically inside the `block` of a try statement that has a catch
 * clause, or the start of a promise chain (`.then(onFulfilled)` / `.finally(...)` links
 * allowed in between) that ends in `.catch(handler)` or `.then(onFulfilled, onRejected)`.
 * Lexical enclosure is accepted even across callbacks, because
 * `try { await Promise.all(ids.map((id) => http.request(...))) } catch ...` is the
 * idiomatic way to handle a batch.
 */
export function isErrorHandled(call: acorn.CallExpression, ancestors: readonly Ancestor[]): boolean {
  let current: AstNode = call;
  for (let index = ancestors.length - 1; index >= 1; index -= 2) {
    const member = ancestors[index]?.node;
    const outerCall = ancestors[index - 1]?.node;
    if (member?.type !== 'MemberExpression' || member.object !== current || outerCall?.type !== 'CallExpression' || outerCall.callee !== member) break;
    const link = staticMemberName(member);
    if (link === 'catch' && outerCall.arguments.length >= 1) return true;
    if (link === 'then' && outerCall.arguments.length >= 2) return true;
    if (link !== 'then' && link !== 'finally') break;
    current = outerCall;
  }
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const ancestor = ancestors[index];
    const child = ancestors[index + 1];
    if (ancestor?.node.type === 'TryStatement' && ancestor.node.handler && (child?.key ?? 'block') === 'block') return true;
  }
  return false;
}
