// A refusal whose reply line is exactly 0-db's text (cited where it is thrown), for the cases where
// no ZdbError code of the simulator fits or the simulator's text differs from zdbd's.
// Leaves out how replies are encoded (resp.ts) and counted (commands.ts).

export class ZdbReplyError extends Error {
  /** The reply line without its leading '-'. */
  get reply(): string {
    return this.message;
  }
}
