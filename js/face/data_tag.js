// TanStack's `dataTagSymbol` and `dataTagErrorSymbol`: the property keys under which the
// types say a query key from `queryOptions` carries its data and error types. Types only: no
// key holds them at run time; exported so that code naming them (as TanStack's) resolves.

export const dataTagSymbol = Symbol('dataTagSymbol');
export const dataTagErrorSymbol = Symbol('dataTagErrorSymbol');
