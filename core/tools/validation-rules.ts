/**
 * The rules tool code must satisfy before it is registered, checked over acorn's AST.
 *
 * What this is for: tools run in a fresh QuickJS context with no host capabilities
 * beyond what the sandbox grants, so the sandbox is the isolation boundary. These
 * rules are the policy gate in front of it: they refuse code that reaches for ways to
 * run text as code, to load modules, to reach the host, or to change the shared
 * built-ins, so such code is never registered and a reviewer sees why.
 *
 * The computed-key rule (no-dynamic-member-access) is deliberately conservative
 * because `x[key]` with a key known only at run time can reach `constructor` and from
 * there the Function constructor. Keys that fold to a constant (`'constr' + 'uctor'`,
 * or a `const` holding such a string) are checked by name. Unknown keys are refused
 * on anything that may be a function, a built-in, a prototype, the global object,
 * `this`, or itself the result of an unknown-key lookup (two hops reach Function
 * from any plain object). Unknown keys on ordinary data (`counts[type]`,
 * `items[index]`) stay allowed, which is what real tools need. A key computed at run
 * time and passed through data (an array element, a callback parameter) can still
 * slip through; that residual gap is why these rules complement the sandbox rather
 * than replace it.
 */
import type * as acorn from 'acorn';
import { childEntries, foldConstantString, placeOf, staticMemberName, type AstNode } from './ast.js';
import { childIsBindingPattern, isErrorHandled, isNonReferencePosition, writtenTargets, type Ancestor } from './validation-positions.js';
import { classifyValue, GLOBAL_OBJECT_NAMES, scopeOpenedBy, Scope, type ValueClass } from './validation-scope.js';

export type ToolCodeRule =
  | 'syntax'
  | 'no-eval'
  | 'no-function-constructor'
  | 'no-dynamic-import'
  | 'no-require'
  | 'no-process'
  | 'no-global-tampering'
  | 'no-with'
  | 'no-builtin-prototype-mutation'
  | 'no-dynamic-member-access'
  | 'entry-required'
  | 'only-entry-export'
  | 'network-error-handling';

export interface ToolCodeProblem {
  rule: ToolCodeRule;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

const FUNCTION_CONSTRUCTOR_NAMES: ReadonlySet<string> = new Set(['Function', 'AsyncFunction', 'GeneratorFunction', 'AsyncGeneratorFunction', 'constructor']);
const PROTOTYPE_ACCESSOR_NAMES: ReadonlySet<string> = new Set(['__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const COMMONJS_NAMES: ReadonlySet<string> = new Set(['require', 'module', 'exports']);
/** Calls that change the object in their first argument. */
const MUTATORS: ReadonlySet<string> = new Set([
  'Object.defineProperty', 'Object.defineProperties', 'Object.setPrototypeOf', 'Object.assign',
  'Reflect.defineProperty', 'Reflect.setPrototypeOf', 'Reflect.set', 'Reflect.deleteProperty',
]);
/** Calls that read a property named by their second argument. */
const KEYED_READERS: ReadonlySet<string> = new Set(['Reflect.get', 'Reflect.getOwnPropertyDescriptor', 'Object.getOwnPropertyDescriptor']);
const BULK_READERS: ReadonlySet<string> = new Set(['Object.getOwnPropertyDescriptors', 'Object.getOwnPropertyNames', 'Reflect.ownKeys']);
const TIMERS: ReadonlySet<string> = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const NON_ARROW_THIS_OWNERS: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression', 'PropertyDefinition', 'StaticBlock']);
const DANGEROUS_TO_INDEX: ReadonlySet<ValueClass> = new Set(['global-object', 'prototype', 'builtin', 'function', 'dynamic']);

interface WalkState {
  scope: Scope;
  ancestors: Ancestor[];
  /** Inside a non-arrow function, where `this` is not (necessarily) the global object. */
  inFunction: boolean;
  /** Inside a declaration's binding pattern, where identifiers are names being declared. */
  inBindingPattern: boolean;
}

export interface RuleFindings {
  problems: ToolCodeProblem[];
  usesNetwork: boolean;
}

/** Runs every rule except entry/export shape (see validation.ts) over a parsed program. */
export function checkProgram(program: acorn.Program): RuleFindings {
  const checker = new RuleChecker();
  checker.visit(program, 'program', { scope: new Scope(undefined), ancestors: [], inFunction: false, inBindingPattern: false });
  return { problems: checker.problems, usesNetwork: checker.usesNetwork };
}

class RuleChecker {
  readonly problems: ToolCodeProblem[] = [];
  usesNetwork = false;
  private readonly reported = new Set<string>();

  visit(node: AstNode, key: string, state: WalkState): void {
    const scope = scopeOpenedBy(node, state.scope) ?? state.scope;
    const here: WalkState = { ...state, scope };
    this.check(node, key, here);
    // One shared stack: pushed on the way down, popped on the way up (no copy per node).
    const ancestors = state.ancestors;
    ancestors.push({ node, key });
    // Class fields and static blocks see the instance or class as `this`, like methods.
    const inFunction = state.inFunction || NON_ARROW_THIS_OWNERS.has(node.type);
    for (const [childKey, child] of childEntries(node)) {
      this.visit(child, childKey, {
        scope,
        ancestors,
        inFunction,
        inBindingPattern: childIsBindingPattern(node, childKey, child, state.inBindingPattern),
      });
    }
    ancestors.pop();
  }

  private report(rule: ToolCodeRule, node: acorn.Node, message: string): void {
    const { line, column } = placeOf(node);
    const id = `${rule}@${line}:${column}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.problems.push({ rule, message, line, column });
  }

  private check(node: AstNode, key: string, state: WalkState): void {
    const parent = state.ancestors[state.ancestors.length - 1]?.node;
    switch (node.type) {
      case 'Identifier':
        if (!state.inBindingPattern && !isNonReferencePosition(parent, key)) this.checkGlobalReference(node, key, state);
        return;
      case 'ThisExpression':
        if (!state.inFunction) this.report('no-global-tampering', node, 'top-level `this` is the global object in a script; tools may not use it');
        return;
      case 'MemberExpression':
        this.checkMember(node, state);
        return;
      case 'Property':
        if (parent?.type === 'ObjectPattern') this.checkPatternKey(node, state);
        return;
      case 'CallExpression':
        this.checkCall(node, state);
        return;
      case 'AssignmentExpression':
        for (const target of writtenTargets(node.left)) this.checkWrite(target, state, 'assigns to');
        return;
      case 'UpdateExpression':
        for (const target of writtenTargets(node.argument)) this.checkWrite(target, state, 'updates');
        return;
      case 'UnaryExpression':
        if (node.operator === 'delete') for (const target of writtenTargets(node.argument)) this.checkWrite(target, state, 'deletes');
        return;
      case 'ForInStatement':
      case 'ForOfStatement':
        if (node.left.type !== 'VariableDeclaration') for (const target of writtenTargets(node.left)) this.checkWrite(target, state, 'assigns to');
        return;
      case 'WithStatement':
        this.report('no-with', node, '`with` makes every name ambiguous and is not allowed');
        return;
      case 'ImportExpression':
        this.report('no-dynamic-import', node, 'import() loads code at run time; tools are self-contained');
        return;
      case 'ImportDeclaration':
        this.report('no-dynamic-import', node, 'import declarations load other code; tools are self-contained');
        return;
      case 'ExportAllDeclaration':
        this.report('no-dynamic-import', node, '`export ... from` loads other code; tools are self-contained');
        return;
      case 'ExportNamedDeclaration':
        if (node.source) this.report('no-dynamic-import', node, '`export ... from` loads other code; tools are self-contained');
        return;
      case 'MetaProperty':
        if (node.meta.name === 'import') this.report('no-dynamic-import', node, 'import.meta is module-loader state; tools are self-contained');
        return;
      default:
        return;
    }
  }

  private resolver(state: WalkState): (name: string) => AstNode | undefined {
    return (name) => state.scope.constantInit(name);
  }

  /** A variable the code does not declare itself is a global of the engine. */
  private checkGlobalReference(node: acorn.Identifier, key: string, state: WalkState): void {
    if (state.scope.lookup(node.name)) return;
    const name = node.name;
    const parentEntry = state.ancestors[state.ancestors.length - 1];
    const parent = parentEntry?.node;
    if (name === 'eval') return this.report('no-eval', node, '`eval` runs text as code');
    if (FUNCTION_CONSTRUCTOR_NAMES.has(name)) return this.report('no-function-constructor', node, `\`${name}\` builds functions from text`);
    if (COMMONJS_NAMES.has(name)) return this.report('no-require', node, `\`${name}\` is the CommonJS loader; tools are self-contained`);
    if (name === 'process') return this.report('no-process', node, '`process` is the host process; tools have no access to it');
    const isObjectOfMember = parent?.type === 'MemberExpression' && key === 'object';
    if (GLOBAL_OBJECT_NAMES.has(name)) {
      const isTypeof = parent?.type === 'UnaryExpression' && parent.operator === 'typeof';
      if (!isObjectOfMember && !isTypeof) {
        this.report('no-global-tampering', node, `\`${name}\` (the global object) may only be read as ${name}.<name>; passing it around hides writes to it`);
      }
      return;
    }
    if (name === 'http') {
      this.usesNetwork = true;
      const grandparent = state.ancestors[state.ancestors.length - 2]?.node;
      const isCalledMethod = isObjectOfMember && grandparent?.type === 'CallExpression' && grandparent.callee === parent;
      if (!isCalledMethod) {
        this.report('network-error-handling', node, 'call http methods directly (http.request(...)) so their error handling can be checked');
      }
    }
  }

  /** Property names that lead to code-from-text, prototypes or the host, however they are spelled. */
  private checkPropertyName(name: string, at: acorn.Node, owner: ValueClass | undefined): void {
    if (name === 'eval') return this.report('no-eval', at, '`eval` runs text as code');
    if (FUNCTION_CONSTRUCTOR_NAMES.has(name)) {
      const why = name === 'constructor' ? '`.constructor` reaches the Function constructor from any function' : `\`${name}\` builds functions from text`;
      return this.report('no-function-constructor', at, why);
    }
    if (PROTOTYPE_ACCESSOR_NAMES.has(name)) return this.report('no-builtin-prototype-mutation', at, `\`${name}\` reaches or changes prototypes`);
    if (owner === 'global-object' && name === 'http') {
      this.usesNetwork = true;
      return this.report('network-error-handling', at, 'call http methods directly (http.request(...)) so their error handling can be checked');
    }
    if (owner === 'global-object' || owner === 'builtin') {
      if (name === 'process') return this.report('no-process', at, '`process` is the host process; tools have no access to it');
      if (name === 'require') return this.report('no-require', at, '`require` is the CommonJS loader; tools are self-contained');
    }
  }

  private checkMember(node: acorn.MemberExpression, state: WalkState): void {
    if (node.object.type === 'Super') return;
    const name = staticMemberName(node, this.resolver(state));
    if (name !== undefined) {
      const owner = classifyValue(node.object, state.scope);
      this.checkPropertyName(name, node.property, owner);
      if (name === 'construct' && node.object.type === 'Identifier' && node.object.name === 'Reflect' && !state.scope.lookup('Reflect')) {
        this.report('no-function-constructor', node.property, 'Reflect.construct can call the Function constructor');
      }
      return;
    }
    const owner = classifyValue(node.object, state.scope);
    if (node.object.type === 'ThisExpression' || DANGEROUS_TO_INDEX.has(owner)) {
      const what = node.object.type === 'ThisExpression' ? '`this`' : describeClass(owner);
      this.report('no-dynamic-member-access', node.property, `a computed key that is not a constant, on ${what}, could reach \`constructor\` or the global object; use a literal key`);
    }
  }

  /** `const { constructor: F } = fn` reads a property just like `fn.constructor`. */
  private checkPatternKey(node: acorn.Property | acorn.AssignmentProperty, state: WalkState): void {
    const name = node.computed ? foldConstantString(node.key, this.resolver(state)) : node.key.type === 'Identifier' ? node.key.name : node.key.type === 'Literal' ? String(node.key.value) : undefined;
    if (name !== undefined) return this.checkPropertyName(name, node.key, undefined);
    this.report('no-dynamic-member-access', node.key, 'a destructuring key that is not a constant could reach `constructor`; use a literal key');
  }

  private checkCall(node: acorn.CallExpression, state: WalkState): void {
    this.checkTimerWithText(node, state);
    const callee = node.callee.type === 'MemberExpression' ? node.callee : undefined;
    if (!callee) return;
    if (callee.object.type === 'Identifier' && callee.object.name === 'http' && !state.scope.lookup('http')) {
      if (!isErrorHandled(node, state.ancestors)) {
        this.report('network-error-handling', node, 'http calls must be inside try { } catch { } or be followed directly by .catch(...) / .then(_, onRejected)');
      }
      return;
    }
    const qualified = qualifiedGlobalName(callee, state);
    if (!qualified) return;
    const [first, second] = node.arguments;
    if (MUTATORS.has(qualified) && first && first.type !== 'SpreadElement') {
      const target = classifyValue(first, state.scope);
      if (target === 'global-object') this.report('no-global-tampering', first, `${qualified} on the global object changes what every later caller sees`);
      else if (target === 'prototype') this.report('no-builtin-prototype-mutation', first, `${qualified} on a built-in prototype changes every object`);
      else if (target === 'builtin') this.report('no-global-tampering', first, `${qualified} on a built-in changes it for the whole context`);
    }
    if (KEYED_READERS.has(qualified) && second && second.type !== 'SpreadElement') {
      const key = foldConstantString(second, this.resolver(state));
      if (key !== undefined) this.checkPropertyName(key, second, undefined);
      else this.report('no-dynamic-member-access', second, `${qualified} with a key that is not a constant could reach \`constructor\`; use a literal key`);
    }
    if (BULK_READERS.has(qualified) && first && first.type !== 'SpreadElement') {
      const target = classifyValue(first, state.scope);
      if (target !== 'data') this.report('no-dynamic-member-access', first, `${qualified} on ${describeClass(target)} exposes its constructor`);
    }
  }

  /** setTimeout('code') and friends evaluate a string argument like eval does (in engines that have them). */
  private checkTimerWithText(node: acorn.CallExpression, state: WalkState): void {
    const callee = node.callee;
    const name =
      callee.type === 'Identifier' && !state.scope.lookup(callee.name)
        ? callee.name
        : callee.type === 'MemberExpression' && classifyValue(callee.object, state.scope) === 'global-object'
          ? staticMemberName(callee)
          : undefined;
    if (name === undefined || !TIMERS.has(name)) return;
    const [first] = node.arguments;
    // Text is what is refused; a callback held in a parameter is the ordinary use and stays allowed.
    const looksLikeText = (node: AstNode): boolean =>
      node.type === 'Literal' || node.type === 'TemplateLiteral' || node.type === 'BinaryExpression' || foldConstantString(node, this.resolver(state)) !== undefined;
    if (first && first.type !== 'SpreadElement' && looksLikeText(first)) {
      this.report('no-eval', first, `${name} with anything but a function evaluates text as code`);
    }
  }

  private checkWrite(target: AstNode, state: WalkState, verb: string): void {
    if (target.type === 'Identifier') {
      if (!state.scope.lookup(target.name)) {
        this.report('no-global-tampering', target, `${verb} \`${target.name}\`, which the tool does not declare: that is a global`);
      }
      return;
    }
    if (target.type !== 'MemberExpression' || target.object.type === 'Super') return;
    const name = staticMemberName(target, this.resolver(state));
    if (name === '__proto__') return; // reported where the property is read (checkMember)
    const owner = classifyValue(target.object, state.scope);
    const what = name === undefined ? 'a computed property' : `\`${name}\``;
    if (owner === 'global-object') this.report('no-global-tampering', target, `${verb} ${what} on the global object`);
    else if (owner === 'prototype' || (owner === 'builtin' && name === 'prototype')) this.report('no-builtin-prototype-mutation', target, `${verb} ${what} of a built-in prototype`);
    else if (owner === 'builtin') this.report('no-global-tampering', target, `${verb} ${what} of a built-in`);
  }
}

function describeClass(owner: ValueClass): string {
  switch (owner) {
    case 'global-object':
      return 'the global object';
    case 'prototype':
      return 'a prototype';
    case 'builtin':
      return 'a built-in';
    case 'function':
      return 'a function';
    case 'dynamic':
      return 'a value looked up by a computed key';
    default:
      return 'a value';
  }
}

/** `Object.defineProperty` etc., only when `Object`/`Reflect` are the real globals. */
function qualifiedGlobalName(callee: acorn.MemberExpression, state: WalkState): string | undefined {
  if (callee.object.type !== 'Identifier' || state.scope.lookup(callee.object.name)) return undefined;
  const name = staticMemberName(callee, (constant) => state.scope.constantInit(constant));
  return name === undefined ? undefined : `${callee.object.name}.${name}`;
}
