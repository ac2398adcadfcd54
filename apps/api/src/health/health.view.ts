/** The liveness answer. */
export class LivenessView {
  status: 'ok';
}
