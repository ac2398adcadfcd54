import type { DB } from './schema';

export type Library =
  | 'areas'
  | 'audit'
  | 'calendar'
  | 'complaints'
  | 'enterprises'
  | 'evaluation'
  | 'identity'
  | 'indicators'
  | 'jobs'
  | 'notifications'
  | 'ocds'
  | 'orders'
  | 'problems'
  | 'proposals';

/**
 * Who owns each table: only the owner writes it (insert, update, delete), and other libraries
 * reach it through the owner's exported API — or, for the read models below, by reading it.
 * A table added by a migration without an owner here fails the type-check (the key set is DB's).
 * `ownership.spec.ts` scans every library for writes and reads outside these rules.
 */
export const TABLE_OWNERS = {
  areas: 'areas',
  area_populations: 'areas',
  audit_chain: 'audit',
  audit_log: 'audit',
  audit_pending: 'audit',
  audit_sealed: 'audit',
  audit_tree_head: 'audit',
  audit_tree_node: 'audit',
  city_holidays: 'calendar',
  complaint_attachments: 'complaints',
  complaints: 'complaints',
  standstill_periods: 'complaints',
  enterprises: 'enterprises',
  enterprise_activity_deltas: 'enterprises',
  enterprise_activity_late: 'enterprises',
  enterprise_activity_months: 'enterprises',
  enterprise_claims: 'enterprises',
  enterprise_import_rows: 'enterprises',
  enterprise_imports: 'enterprises',
  enterprise_status_history: 'enterprises',
  member_invitations: 'enterprises',
  registration_requests: 'enterprises',
  conflict_declarations: 'evaluation',
  problem_outcomes: 'evaluation',
  problem_panel_members: 'evaluation',
  proposal_consensus_scores: 'evaluation',
  proposal_score_submissions: 'evaluation',
  proposal_scores: 'evaluation',
  login_failures: 'identity',
  organizations: 'identity',
  password_setup_tokens: 'identity',
  refresh_tokens: 'identity',
  users: 'identity',
  outbox: 'jobs',
  notifications: 'notifications',
  ocds_releases: 'ocds',
  deliverable_files: 'orders',
  milestone_submissions: 'orders',
  order_milestones: 'orders',
  order_outcomes: 'orders',
  order_variations: 'orders',
  orders: 'orders',
  enterprise_subscriptions: 'problems',
  mini_competition_entries: 'problems',
  mini_competitions: 'problems',
  problem_amendments: 'problems',
  problem_documents: 'problems',
  problem_followers: 'problems',
  problem_invitations: 'problems',
  problem_questions: 'problems',
  problems: 'problems',
  blob_chunks: 'proposals',
  blob_objects: 'proposals',
  idempotency_keys: 'proposals',
  proposal_attachments: 'proposals',
  proposal_confirmations: 'proposals',
  proposal_versions: 'proposals',
  proposals: 'proposals',
} as const satisfies Record<keyof DB, Library>;

/**
 * Read models: tables an owner lets named libraries read directly (select and join, never write),
 * because the reader needs them in its own queries (filters, joins, public feeds) and an API call
 * per row would be slower and no clearer. Everything else is reached through the owner's API.
 */
export const READ_MODELS: Partial<Record<keyof DB, { readers: readonly Library[]; why: string }>> = {
  areas: {
    readers: ['enterprises', 'indicators', 'problems'],
    why: 'reference data (the city and its units): joined for area names and filters, never written outside areas',
  },
  problems: {
    readers: ['areas', 'complaints', 'enterprises', 'evaluation', 'jobs', 'notifications', 'ocds', 'orders', 'proposals'],
    why: 'the public record every later step hangs on (title, department, status, deadline, rubric)',
  },
  enterprises: {
    readers: ['complaints', 'evaluation', 'indicators', 'jobs', 'notifications', 'ocds', 'orders', 'problems', 'proposals'],
    why: "the registry's public fields (name, tax code, status, area, sectors)",
  },
  organizations: {
    readers: ['enterprises', 'evaluation', 'notifications', 'ocds', 'orders', 'problems'],
    why: 'department and firm names on views and OCDS parties',
  },
  mini_competitions: {
    readers: ['ocds'],
    why: "a mini-competition's tender is `selective` with the department's rationale (read in the event transaction, as amendments)",
  },
  problem_amendments: {
    readers: ['ocds'],
    why: 'each OCDS release lists the amendments (read in the event transaction; problems depends on ocds, not back)',
  },
  orders: {
    readers: ['problems'],
    why: "a firm's completed orders rank it among equal fits (matching); orders depends on problems, so no call back",
  },
  order_milestones: {
    readers: ['problems'],
    why: "a firm's on-time rate among equal fits (matching, as orders above)",
  },
  order_outcomes: {
    readers: ['problems'],
    why: 'whether those orders solved the bottleneck (matching, as orders above)',
  },
  problem_panel_members: {
    readers: ['proposals'],
    why: 'proposals checks a reader is on the panel; it cannot call evaluation, which depends on it',
  },
  conflict_declarations: {
    readers: ['proposals'],
    why: "proposals opens a firm's bid to an evaluator only after a no-conflict declaration (same reason)",
  },
  users: {
    readers: ['enterprises', 'evaluation', 'notifications'],
    why: "enterprises: a firm's accounts are the users with its organization_id (member lists, the owner check, claimants, mail recipients); notifications: recipients (active accounts, language, e-mail); evaluation: the panel's names and e-mails in the panel's order, and whether an appointed evaluator or a reminded officer is active",
  },
  notifications: {
    readers: ['orders'],
    why: 'the order reminder sweep: the notifications already sent are the record of which reminder went out',
  },
  enterprise_activity_deltas: {
    readers: ['indicators'],
    why: "the indicator's dated +1/-1 per area and sector: the recent part of every count",
  },
  enterprise_activity_months: {
    readers: ['indicators'],
    why: 'the folded monthly counts the indicator answers from (one row per unit)',
  },
  enterprise_activity_late: {
    readers: ['indicators'],
    why: "the folded back-dated deltas by recording day: the indicator's revisions and knownAt",
  },
  proposals: {
    readers: ['complaints', 'evaluation', 'ocds', 'orders', 'problems'],
    why: 'who bid, with what price and status, once opened (sealing is enforced by the proposals library); problems: who bid, to notify',
  },
};
