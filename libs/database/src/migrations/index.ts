import { Foundation1763800000000 } from './1763800000000-foundation';
import { Areas1763800000001 } from './1763800000001-areas';
import { Enterprises1763800000002 } from './1763800000002-enterprises';
import { Marketplace1763800000003 } from './1763800000003-marketplace';
import { Evaluation1763800000004 } from './1763800000004-evaluation';
import { FairBidding1763800000005 } from './1763800000005-fair-bidding';
import { Operations1763800000100 } from './1763800000100-operations';
import { UserLanguage1763800000200 } from './1763800000200-user-language';
import { IndicatorTruth1763800000300 } from './1763800000300-indicator-truth';
import { AuditTree1763800000500 } from './1763800000500-audit-tree';
import { StandstillComplaints1763800000600 } from './1763800000600-standstill-complaints';
import { Orders1763800000601 } from './1763800000601-orders';
import { SharedBlobs1763800000700 } from './1763800000700-shared-blobs';
import { RegistrationRequests1763800000800 } from './1763800000800-registration-requests';
import { ProblemDocuments1763800000801 } from './1763800000801-problem-documents';
import { MemberInvitations1763800000802 } from './1763800000802-member-invitations';
import { IndicatorSnapshots1763800000900 } from './1763800000900-indicator-snapshots';
import { ComplaintAttachments1763800000950 } from './1763800000950-complaint-attachments';
import { MilestonePayments1763800000951 } from './1763800000951-milestone-payments';
import { DeliverableFiles1763800000960 } from './1763800000960-deliverable-files';
import { MiniCompetitions1763800000970 } from './1763800000970-mini-competitions';
import { EnterpriseSearchVector1763800000980 } from './1763800000980-enterprise-search-vector';

/** Every migration, in order. Listed by hand so the bundled apps need no file globbing. */
export const MIGRATIONS = [
  Foundation1763800000000,
  Areas1763800000001,
  Enterprises1763800000002,
  Marketplace1763800000003,
  Evaluation1763800000004,
  FairBidding1763800000005,
  Operations1763800000100,
  UserLanguage1763800000200,
  IndicatorTruth1763800000300,
  AuditTree1763800000500,
  StandstillComplaints1763800000600,
  Orders1763800000601,
  SharedBlobs1763800000700,
  RegistrationRequests1763800000800,
  ProblemDocuments1763800000801,
  MemberInvitations1763800000802,
  IndicatorSnapshots1763800000900,
  ComplaintAttachments1763800000950,
  MilestonePayments1763800000951,
  DeliverableFiles1763800000960,
  MiniCompetitions1763800000970,
  EnterpriseSearchVector1763800000980,
];
