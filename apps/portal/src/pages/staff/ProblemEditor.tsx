import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useFieldArray, useForm, useWatch, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, PageTitle, QueryView } from '../../components';
import { SECTORS } from '../../enums';
import { fromCityInput, RequireRole, toCityInput, useProblem } from './shared';
import { MiniCompetitionNotice } from '../MiniCompetitionNotice';

type Criterion = { key: string; name: string; description: string; weight: string };
type Fields = {
  title: string;
  summary: string;
  description: string;
  expectedResults: string;
  sector: Schemas['CreateProblemDto']['sector'];
  tags: string;
  budgetCeiling: string;
  durationMonths: string;
  deadline: string;
  clarificationDeadline: string;
  passMark: string;
  criteria: Criterion[];
};

const DEFAULT_CRITERIA: Criterion[] = [
  { key: 'c1', name: '', description: '', weight: '40' },
  { key: 'c2', name: '', description: '', weight: '30' },
  { key: 'c3', name: '', description: '', weight: '30' },
];

const weightOf = (c: Criterion) => (/^\d+$/.test(c.weight) ? Number(c.weight) : 0);

/** The sum of the weights as the officer types, with what is missing or too much said plainly. */
function WeightTotal({ control }: { control: Control<Fields> }) {
  const { t } = useTranslation();
  const criteria = useWatch({ control, name: 'criteria' }) ?? [];
  const total = criteria.reduce((sum, c) => sum + weightOf(c), 0);
  return (
    <p role="status" aria-live="polite" className={total === 100 ? 'ok' : 'error'}>
      {total === 100 ? t('staff.editor.totalOk') : t('staff.editor.totalWrong', { total })}
    </p>
  );
}

function toFields(p?: Schemas['ProblemView']): Fields {
  if (!p) {
    return {
      title: '',
      summary: '',
      description: '',
      expectedResults: '',
      sector: 'public_administration',
      tags: '',
      budgetCeiling: '',
      durationMonths: '',
      deadline: '',
      clarificationDeadline: '',
      passMark: '60',
      criteria: DEFAULT_CRITERIA,
    };
  }
  return {
    title: p.title,
    summary: p.summary,
    description: p.description,
    expectedResults: p.expectedResults,
    sector: p.sector,
    tags: p.tags.join(', '),
    budgetCeiling: p.budgetCeiling == null ? '' : String(p.budgetCeiling),
    durationMonths: p.durationMonths == null ? '' : String(p.durationMonths),
    deadline: toCityInput(p.deadline),
    clarificationDeadline: toCityInput(p.clarificationDeadline),
    passMark: String(p.rubric.passMark),
    criteria: p.rubric.criteria.map((c) => ({
      key: c.key,
      name: c.name,
      description: c.description ?? '',
      weight: String(c.weight),
    })),
  };
}

function toBody(v: Fields): Schemas['CreateProblemDto'] {
  return {
    title: v.title.trim(),
    summary: v.summary.trim(),
    description: v.description.trim(),
    expectedResults: v.expectedResults.trim(),
    sector: v.sector,
    tags: v.tags
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    budgetCeiling: v.budgetCeiling ? Number(v.budgetCeiling) : null,
    durationMonths: (v.durationMonths ? Number(v.durationMonths) : null) as never,
    deadline: fromCityInput(v.deadline),
    ...(v.clarificationDeadline ? { clarificationDeadline: fromCityInput(v.clarificationDeadline) } : {}),
    rubric: {
      passMark: Number(v.passMark),
      criteria: v.criteria.map((c) => ({
        key: c.key,
        name: c.name.trim(),
        ...(c.description.trim() ? { description: c.description.trim() } : {}),
        weight: weightOf(c),
      })),
    },
  };
}

/** Draft and edit: one form for both; the weights' total is shown live and must be 100 to save. */
function Editor({ existing }: { existing?: Schemas['ProblemView'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { register, handleSubmit, control, formState, getValues } = useForm<Fields>({ defaultValues: toFields(existing) });
  const criteria = useFieldArray({ control, name: 'criteria' });
  const errors = formState.errors;
  const save = useMutation({
    mutationFn: async (v: Fields) => {
      const body = toBody(v);
      return existing
        ? unwrap(await api.PATCH('/api/v1/problems/{id}', { params: { path: { id: existing.id } }, body }))
        : unwrap(await api.POST('/api/v1/problems', { body }));
    },
    onSuccess: async (p) => {
      await queryClient.invalidateQueries({ queryKey: ['problem', p.id] });
      await queryClient.invalidateQueries({ queryKey: ['office'] });
      await navigate(`/office/problems/${p.id}`);
    },
  });
  const nextKey = () => {
    const used = new Set(getValues('criteria').map((c) => c.key));
    let n = used.size + 1;
    while (used.has(`c${n}`)) n++;
    return `c${n}`;
  };
  const text = (name: 'title' | 'summary' | 'description' | 'expectedResults', rows = 0) => (
    <div className="field">
      <label htmlFor={name}>{t(`staff.editor.fields.${name}`)}</label>
      {rows ? (
        <textarea
          id={name}
          rows={rows}
          aria-invalid={!!errors[name]}
          {...register(name, { required: true, validate: (s) => s.trim().length > 0 })}
        />
      ) : (
        <input id={name} aria-invalid={!!errors[name]} {...register(name, { required: true, minLength: 3 })} />
      )}
      {errors[name] && <span className="field-error">{t('staff.required')}</span>}
    </div>
  );

  return (
    <div className="form-page">
      <p className="muted">
        <Link to={existing ? `/office/problems/${existing.id}` : '/office'}>{t('staff.back')}</Link>
      </p>
      <PageTitle>{existing ? t('staff.editor.editTitle') : t('staff.editor.newTitle')}</PageTitle>
      <p>{t('staff.editor.intro')}</p>
      <form
        onSubmit={(e) =>
          void handleSubmit((v) => {
            if (v.criteria.reduce((s, c) => s + weightOf(c), 0) !== 100) return;
            save.mutate(v);
          })(e)
        }
        noValidate
      >
        {text('title')}
        {text('summary', 2)}
        {text('description', 6)}
        {text('expectedResults', 4)}
        <div className="field">
          <label htmlFor="sector">{t('staff.editor.fields.sector')}</label>
          <select id="sector" {...register('sector')}>
            {SECTORS.map((s) => (
              <option key={s} value={s}>
                {t(`sectors.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tags">{t('staff.editor.fields.tags')}</label>
          <input id="tags" aria-describedby="tags-help" {...register('tags')} />
          <span id="tags-help" className="muted">
            {t('staff.editor.tagsHelp')}
          </span>
        </div>
        <div className="columns">
          <div className="field">
            <label htmlFor="budgetCeiling">{t('staff.editor.fields.budgetCeiling')}</label>
            <input
              id="budgetCeiling"
              inputMode="numeric"
              aria-invalid={!!errors.budgetCeiling}
              {...register('budgetCeiling', { pattern: /^[1-9]\d*$/ })}
            />
            {errors.budgetCeiling && <span className="field-error">{t('staff.editor.wholeNumber')}</span>}
          </div>
          <div className="field">
            <label htmlFor="durationMonths">{t('staff.editor.fields.durationMonths')}</label>
            <input
              id="durationMonths"
              inputMode="numeric"
              aria-invalid={!!errors.durationMonths}
              {...register('durationMonths', { pattern: /^[1-9]\d?$/ })}
            />
            {errors.durationMonths && <span className="field-error">{t('staff.editor.wholeNumber')}</span>}
          </div>
        </div>
        <fieldset>
          <legend>{t('staff.editor.dates')}</legend>
          <p className="muted">{t('staff.editor.datesHelp')}</p>
          <div className="columns">
            <div className="field">
              <label htmlFor="deadline">{t('staff.editor.fields.deadline')}</label>
              <input
                id="deadline"
                type="datetime-local"
                aria-invalid={!!errors.deadline}
                {...register('deadline', { required: true })}
              />
              {errors.deadline && <span className="field-error">{t('staff.required')}</span>}
            </div>
            <div className="field">
              <label htmlFor="clarificationDeadline">{t('staff.editor.fields.clarificationDeadline')}</label>
              <input id="clarificationDeadline" type="datetime-local" {...register('clarificationDeadline')} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('staff.editor.rubric')}</legend>
          <p className="muted">{t('staff.editor.rubricHelp')}</p>
          {criteria.fields.map((field, i) => (
            <div key={field.id} className="criterion boxed">
              <div className="field">
                <label htmlFor={`criteria.${i}.name`}>{t('staff.editor.criterionName', { number: i + 1 })}</label>
                <input
                  id={`criteria.${i}.name`}
                  aria-invalid={!!errors.criteria?.[i]?.name}
                  {...register(`criteria.${i}.name`, { required: true })}
                />
                {errors.criteria?.[i]?.name && <span className="field-error">{t('staff.required')}</span>}
              </div>
              <div className="field">
                <label htmlFor={`criteria.${i}.description`}>{t('staff.editor.criterionDescription', { number: i + 1 })}</label>
                <input id={`criteria.${i}.description`} {...register(`criteria.${i}.description`)} />
              </div>
              <div className="field">
                <label htmlFor={`criteria.${i}.weight`}>{t('staff.editor.criterionWeight', { number: i + 1 })}</label>
                <input
                  id={`criteria.${i}.weight`}
                  inputMode="numeric"
                  aria-invalid={!!errors.criteria?.[i]?.weight}
                  {...register(`criteria.${i}.weight`, { required: true, pattern: /^\d{1,3}$/ })}
                />
              </div>
              {criteria.fields.length > 1 && (
                <button type="button" className="secondary" onClick={() => criteria.remove(i)}>
                  {t('staff.editor.removeCriterion', { number: i + 1 })}
                </button>
              )}
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => criteria.append({ key: nextKey(), name: '', description: '', weight: '0' })}
          >
            {t('staff.editor.addCriterion')}
          </button>
          <WeightTotal control={control} />
          <div className="field">
            <label htmlFor="passMark">{t('staff.editor.fields.passMark')}</label>
            <input
              id="passMark"
              inputMode="numeric"
              aria-invalid={!!errors.passMark}
              {...register('passMark', { required: true, validate: (s) => /^\d{1,3}$/.test(s) && Number(s) <= 100 })}
            />
            {errors.passMark && <span className="field-error">{t('staff.editor.passMarkInvalid')}</span>}
          </div>
        </fieldset>
        {save.error && <ErrorMessage error={save.error} />}
        <button type="submit" disabled={save.isPending}>
          {t('staff.editor.save')}
        </button>
      </form>
    </div>
  );
}

function EditExisting() {
  const id = useParams().id as string;
  const problem = useProblem(id);
  return (
    <QueryView query={problem}>
      {(p) => (
        <>
          {p.miniCompetition && <MiniCompetitionNotice mini={p.miniCompetition} firmId={null} />}
          <Editor existing={p} />
        </>
      )}
    </QueryView>
  );
}

export function NewProblem() {
  return (
    <RequireRole roles={['officer']}>
      <Editor />
    </RequireRole>
  );
}

export function EditProblem() {
  return (
    <RequireRole roles={['officer']}>
      <EditExisting />
    </RequireRole>
  );
}
