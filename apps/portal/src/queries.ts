import { infiniteQueryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './api/client';
import type { operations } from './api/schema';

/** Every area (the city and its 114 commune-level units), read page by page. */
export function useAreas() {
  return useQuery({
    queryKey: ['areas'],
    staleTime: 3_600_000,
    queryFn: async () => {
      const all: Schemas['AreaView'][] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(await api.GET('/api/v1/areas', { params: { query: { limit: 100, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}

export type Filters = Record<
  'q' | 'sector' | 'departmentId' | 'areaCode' | 'status' | 'budgetMin' | 'budgetMax' | 'deadlineFrom' | 'deadlineTo' | 'sort',
  string
>;
export const FIELDS: (keyof Filters)[] = [
  'q',
  'sector',
  'departmentId',
  'areaCode',
  'status',
  'budgetMin',
  'budgetMax',
  'deadlineFrom',
  'deadlineTo',
  'sort',
];
type ProblemQuery = NonNullable<operations['listProblems']['parameters']['query']>;

/** The search filters as they stand in the URL. */
export const filtersOf = (params: URLSearchParams): Filters =>
  Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;

/**
 * The problem search for these filters. Shared by the page and main.tsx, which starts it while the
 * page's code is still loading when the portal opens on /problems.
 */
export function problemSearch(filters: Filters) {
  const query: ProblemQuery = {
    q: filters.q || undefined,
    sector: (filters.sector || undefined) as Schemas['ProblemSummary']['sector'] | undefined,
    departmentId: filters.departmentId || undefined,
    areaCode: filters.areaCode || undefined,
    status: (filters.status || undefined) as Schemas['ProblemSummary']['status'] | undefined,
    budgetMin: filters.budgetMin ? Number(filters.budgetMin) : undefined,
    budgetMax: filters.budgetMax ? Number(filters.budgetMax) : undefined,
    deadlineFrom: filters.deadlineFrom ? `${filters.deadlineFrom}T00:00:00+07:00` : undefined,
    deadlineTo: filters.deadlineTo ? `${filters.deadlineTo}T23:59:59+07:00` : undefined,
    sort: (filters.sort || undefined) as 'deadline' | 'newest' | 'relevance' | undefined,
    limit: 20,
  };
  return infiniteQueryOptions({
    queryKey: ['problems', 'search', query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/problems', { params: { query: { ...query, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
