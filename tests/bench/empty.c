/* The floor for a preloaded library: one that does nothing at all. */
int jupyssh_bench_empty;
