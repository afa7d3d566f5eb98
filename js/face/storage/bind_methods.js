// The built-in storages keep their state in private fields, which a Proxy around an
// instance (Vue's `reactive()`, MobX observables, a logging wrapper) cannot reach: a method
// called through the proxy gets the proxy as `this`, and every private field read throws.
// So each method is also an own property of the instance, bound to it (a subclass's
// override included), and calls through a proxy reach the instance itself.

/** Binds the methods named `names` (as `instance` resolves them) onto `instance`. */
export function bindMethods(instance, names) {
  for (const name of names) {
    const method = instance[name];
    if (typeof method === 'function') {
      Object.defineProperty(instance, name, { value: method.bind(instance), writable: true, configurable: true });
    }
  }
}
