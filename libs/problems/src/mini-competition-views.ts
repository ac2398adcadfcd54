/** A firm invited to a mini-competition, by the catalogue entry it is invited for. */
export class MiniCompetitionFirm {
  id: string;
  name: string;
  /** The catalogue entries (completed orders) of this firm the competition cites. */
  entryOrderIds: string[];
}

/**
 * A problem open only to the firms of the catalogue entries it cites (issue 16 item 6): who may bid
 * and why the department chose a mini-competition among proven solutions. Public, like the problem.
 */
export class MiniCompetitionView {
  justification: string;
  firms: MiniCompetitionFirm[];
}
