/**
 * Small helpers over acorn's ESTree nodes, shared by the tool-code checks.
 */
import type * as acorn from 'acorn';

export type AstNode = acorn.AnyNode;

/** A place in the source: line 1-based, column 1-based (as editors and linters show it). */
export interface SourcePlace {
  line: number;
  column: number;
}

const NON_CHILD_KEYS = new Set(['type', 'start', 'end', 'loc', 'range']);

function isAstNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Every direct child node with the key it hangs under (array children share the key). */
export function childEntries(node: AstNode): Array<[string, AstNode]> {
  const children: Array<[string, AstNode]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (NON_CHILD_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isAstNode(item)) children.push([key, item]);
    } else if (isAstNode(value)) {
      children.push([key, value]);
    }
  }
  return children;
}

export function placeOf(node: acorn.Node): SourcePlace {
  const start = node.loc?.start;
  return start ? { line: start.line, column: start.column + 1 } : { line: 1, column: 1 };
}

export function isFunctionNode(node: AstNode): node is acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/**
 * The string an expression always evaluates to, when that can be known without running
 * it: literals, templates without substitutions, and `+` of such (how `'ev' + 'al'`
 * style obfuscation is seen through). `resolveConstant` lets the caller follow `const`
 * bindings to their initialiser. Anything else is `undefined` (not knowable).
 */
export function foldConstantString(
  node: AstNode,
  resolveConstant: (name: string) => AstNode | undefined = () => undefined,
  depth = 0,
): string | undefined {
  if (depth > 32) return undefined;
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null) {
        return String(node.value);
      }
      return undefined;
    case 'TemplateLiteral': {
      let text = node.quasis[0]?.value.cooked ?? '';
      for (let index = 0; index < node.expressions.length; index++) {
        const expression = node.expressions[index];
        const part = expression ? foldConstantString(expression, resolveConstant, depth + 1) : undefined;
        if (part === undefined) return undefined;
        text += part + (node.quasis[index + 1]?.value.cooked ?? '');
      }
      return text;
    }
    case 'BinaryExpression': {
      if (node.operator !== '+' || node.left.type === 'PrivateIdentifier') return undefined;
      const left = foldConstantString(node.left, resolveConstant, depth + 1);
      const right = left === undefined ? undefined : foldConstantString(node.right, resolveConstant, depth + 1);
      return left === undefined || right === undefined ? undefined : left + right;
    }
    case 'Identifier': {
      const init = resolveConstant(node.name);
      return init ? foldConstantString(init, resolveConstant, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The property a member expression reads when it is static (`a.b`) or a literal key (`a['b']`). */
export function staticMemberName(member: acorn.MemberExpression, resolveConstant?: (name: string) => AstNode | undefined): string | undefined {
  if (!member.computed) {
    // `this.#field` names a class's own private field: spelled `#field` so it never matches a public name.
    return member.property.type === 'PrivateIdentifier' ? `#${member.property.name}` : member.property.type === 'Identifier' ? member.property.name : undefined;
  }
  if (member.property.type === 'PrivateIdentifier') return undefined;
  return foldConstantString(member.property, resolveConstant);
}
