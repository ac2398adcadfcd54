import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './api/client';

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
