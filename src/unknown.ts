/**
 * The engine's stand-in for a value not known yet (pulumi/pulumi `sdk/go/common/resource/plugin/rpc.go`,
 * `UnknownStringValue`): what a preview passes for a computed value, in a dynamic provider's `check` and `diff`
 * and in the planned request. One constant for the program, its dynamic providers and the offline tools. A
 * plain string, so a dynamic provider's serialized closure captures it by value.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
