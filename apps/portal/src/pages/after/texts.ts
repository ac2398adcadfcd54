import i18n from '../../i18n';
import afterEn from '../../locales/after.en.json';
import afterVi from '../../locales/after.vi.json';

/**
 * The texts of the pages after the award (complaints, the order's plan, variations, outcome,
 * catalogue, track record) travel with those pages' chunks, merged into the `orders`,
 * `complaints`, `catalogue` and `trackRecord` namespaces.
 */
i18n.addResourceBundle('vi', 'translation', afterVi, true, false);
i18n.addResourceBundle('en', 'translation', afterEn, true, false);
