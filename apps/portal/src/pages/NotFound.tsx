import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageTitle } from '../components';

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="narrow">
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <Link to="/">{t('notFound.home')}</Link>
    </div>
  );
}
