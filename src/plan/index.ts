/**
 * The one model of a planned stack. Every reader of planned resources (the policy pack, the estimator, the
 * drill diff, the diagram and the plan's report) looks resources up and reads their properties here:
 * - types.ts: the resource classes and their type tokens, taken from the @pulumi/aws classes;
 * - resource.ts: the two shapes a resource arrives in (the offline plan's, the policy pack's), reading a
 *   property, unknown (preview) values represented once, relations (parent, dependencies, provider);
 * - context.ts: the stack's region, strategy, role and strategy-table row;
 * - facts.ts: typed readers of the properties that decide security, recovery and cost, and a stack's facts.
 *
 * Adding a service: its classes in types.ts, its readers in facts.ts.
 */
export * from "./types";
export * from "./resource";
export * from "./context";
export * from "./facts";
