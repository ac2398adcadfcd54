import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, TextAreaField } from '../../components';

type Entry = Schemas['CatalogueEntryView'];

/** The checkbox on a catalogue card that puts the entry's firm into the mini-competition. */
export function PickEntry({ entry, picked, onChange }: { entry: Entry; picked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <label className="check">
      <input type="checkbox" checked={picked} onChange={(e) => onChange(e.target.checked)} />{' '}
      {t('catalogue.mini.pick', { firm: entry.enterprise.name })}
    </label>
  );
}

/**
 * A department's officer starts a mini-competition among the firms of the picked entries (one kind
 * of bottleneck: the sector filter), with a public justification; it lands in the problem editor
 * as a draft, published like any problem.
 */
export function MiniCompetitionStart({ picked }: { picked: Entry[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [justification, setJustification] = useState('');
  const firms = [...new Map(picked.map((e) => [e.enterprise.id, e.enterprise.name])).values()];
  const start = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/catalogue/mini-competitions', {
          body: { entryOrderIds: picked.map((e) => e.orderId), justification },
        }),
      ),
    onSuccess: (problem) => void navigate(`/office/problems/${problem.id}/edit`),
  });
  return (
    <form
      className="boxed form-page"
      aria-labelledby="mini-heading"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate();
      }}
    >
      <h2 id="mini-heading">{t('catalogue.mini.title')}</h2>
      <p className="muted">{t('catalogue.mini.help')}</p>
      <p role="status">
        {firms.length === 0 ? t('catalogue.mini.noneChosen') : t('catalogue.mini.chosen', { firms: firms.join(', ') })}
      </p>
      <TextAreaField
        id="mini-justification"
        label={t('catalogue.mini.justification')}
        value={justification}
        onChange={setJustification}
        minLength={20}
        rows={4}
        help={t('catalogue.mini.justificationHelp')}
      />
      {start.error && <ErrorMessage error={start.error} />}
      <button type="submit" disabled={start.isPending || firms.length < 2}>
        {t('catalogue.mini.start')}
      </button>
    </form>
  );
}
