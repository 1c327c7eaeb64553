/** Activities that do no work: what is left is Temporal's own cost of scheduling and recording a step. */
export function createBaselineActivities() {
  return {
    async noop(): Promise<number> {
      return 1;
    },
  };
}
