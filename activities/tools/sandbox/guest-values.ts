/**
 * Reading values out of QuickJS without letting the guest decide how much host
 * memory that costs.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';

/**
 * The string's content if `handle` is a string of at most `maxChars` UTF-16 units;
 * otherwise undefined. The length is read inside the VM *before* the string is
 * copied into the worker's heap. (`context.getLength` only works on objects, and
 * reading `length` of a string primitive runs no guest code.)
 */
export function readBoundedString(context: QuickJSContext, handle: QuickJSHandle, maxChars: number): string | undefined {
  if (context.typeof(handle) !== 'string') return undefined;
  const lengthHandle = context.getProp(handle, 'length');
  const length = context.typeof(lengthHandle) === 'number' ? context.getNumber(lengthHandle) : Infinity;
  lengthHandle.dispose();
  if (length > maxChars) return undefined;
  return context.getString(handle);
}

/**
 * Like readBoundedString, but also undefined if the string contains a NUL character:
 * the FFI copies strings out as C strings, so "a.txt\u0000.png" would silently reach
 * the host as "a.txt". Host functions that act on a string (paths, keys) use this.
 */
export function readExactString(context: QuickJSContext, handle: QuickJSHandle, maxChars: number): string | undefined {
  if (context.typeof(handle) !== 'string') return undefined;
  const lengthHandle = context.getProp(handle, 'length');
  const length = context.typeof(lengthHandle) === 'number' ? context.getNumber(lengthHandle) : Infinity;
  lengthHandle.dispose();
  if (length > maxChars) return undefined;
  const text = context.getString(handle);
  return text.length === length ? text : undefined;
}
