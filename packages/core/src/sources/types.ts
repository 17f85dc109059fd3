/**
 * The upstream clients a command can use. Each property is a getter: an unconfigured source
 * throws a `config` {@link StatsError} naming the variables to set.
 */
export interface Sources {
  /** Marker so the interface is never empty; other issues add the clients. */
  readonly configured: readonly string[];
}
