/**
 * Marks a field whose TypeScript type is another schema class.
 *
 * Under ESM, `emitDecoratorMetadata` emits a runtime reference to the property's class
 * type; when two classes refer to each other (or one is declared later in the module),
 * plain `node` throws "Cannot access X before initialization". Wrapping the type in
 * `Relation<T>` makes the emitted metadata `Object`, while the explicit `@Field(() => T)`
 * thunk still tells type-graphql the real GraphQL type.
 */
export type Relation<T> = T;
