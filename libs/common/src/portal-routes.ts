/**
 * The one table of portal pages that e-mails link to. The portal (apps/portal) serves these paths;
 * links are built on PUBLIC_URL and never point at the JSON API.
 */
export const PORTAL_ROUTES = {
  signIn: () => '/sign-in',
  setPassword: (token: string) => `/set-password?token=${encodeURIComponent(token)}`,
  confirmRegistration: (token: string) => `/register/confirm?token=${encodeURIComponent(token)}`,
  acceptInvitation: (token: string) => `/invitation?token=${encodeURIComponent(token)}`,
  problem: (problemId: string) => `/problems/${problemId}`,
  proposal: (proposalId: string) => `/proposals/${proposalId}`,
  firmStatus: (enterpriseId: string) => `/enterprises/${enterpriseId}/status`,
  evaluationTask: (problemId: string) => `/evaluation/${problemId}`,
  notifications: () => '/notifications',
} as const;
export type PortalRoute = keyof typeof PORTAL_ROUTES;

/** An absolute portal address: PUBLIC_URL + the page's path. */
export function portalUrl(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}
