import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, QueryView } from '../components';
import { formatDate } from '../format';

type Profile = { legalName: string; address: string; website: string; phone: string; contactEmail: string; tags: string };

/** The owner edits the firm's public profile. */
export function ProfileForm({ firm }: { firm: Schemas['EnterpriseView'] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { register, handleSubmit, formState } = useForm<Profile>({
    values: {
      legalName: firm.legalName,
      address: firm.address,
      website: firm.website ?? '',
      phone: firm.phone ?? '',
      contactEmail: firm.contactEmail ?? '',
      tags: firm.tags.join(', '),
    },
  });
  const save = useMutation({
    mutationFn: async (v: Profile) =>
      unwrap(
        await api.PATCH('/api/v1/enterprises/{id}', {
          params: { path: { id: firm.id } },
          body: {
            legalName: v.legalName.trim(),
            address: v.address.trim(),
            website: (v.website.trim() || null) as never,
            phone: (v.phone.trim() || null) as never,
            contactEmail: (v.contactEmail.trim() || null) as never,
            tags: v.tags
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['enterprise', firm.id] }),
  });
  const input = (name: keyof Profile, type = 'text', rules: Parameters<typeof register>[1] = {}) => (
    <div className="field">
      <label htmlFor={`profile-${name}`}>{t(`firmAccount.fields.${name}`)}</label>
      <input id={`profile-${name}`} type={type} aria-invalid={!!formState.errors[name]} {...register(name, rules)} />
      {formState.errors[name] && <span className="field-error">{t('firmAccount.invalid')}</span>}
    </div>
  );
  return (
    <form onSubmit={(e) => void handleSubmit((v) => save.mutate(v))(e)} noValidate>
      {input('legalName', 'text', { required: true, maxLength: 300 })}
      {input('address', 'text', { required: true, maxLength: 500 })}
      {input('website', 'url', { pattern: /^(https?:\/\/\S+)?$/ })}
      {input('phone', 'tel', { maxLength: 40 })}
      {input('contactEmail', 'email', { pattern: /^(\S+@\S+\.\S+)?$/ })}
      {input('tags')}
      {save.error && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('firmAccount.saved')}</p>}
      <button type="submit" disabled={save.isPending}>
        {t('firmAccount.save')}
      </button>
    </form>
  );
}

/** The firm's members; the owner invites a colleague, who joins from the mailed link. */
export function Members({ firmId, canInvite }: { firmId: string; canInvite: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: ['enterprise', firmId, 'members'],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}/members', { params: { path: { id: firmId } } })),
  });
  const invitations = useQuery({
    queryKey: ['enterprise', firmId, 'invitations'],
    enabled: canInvite,
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}/invitations', { params: { path: { id: firmId } } })),
  });
  const { register, handleSubmit, reset, formState } = useForm<{ fullName: string; email: string }>();
  const invite = useMutation({
    mutationFn: async (v: { fullName: string; email: string }) =>
      unwrap(
        await api.POST('/api/v1/enterprises/{id}/members', {
          params: { path: { id: firmId } },
          body: { fullName: v.fullName.trim(), email: v.email.trim() },
        }),
      ),
    onSuccess: async () => {
      reset();
      await queryClient.invalidateQueries({ queryKey: ['enterprise', firmId, 'invitations'] });
    },
  });
  return (
    <>
      <QueryView query={members}>
        {(page) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('register.fullName')}</th>
                <th scope="col">{t('signIn.email')}</th>
                <th scope="col">{t('firmAccount.role')}</th>
                <th scope="col">{t('firmAccount.since')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.fullName}</td>
                  <td>{m.email}</td>
                  <td>{t(`firmAccount.orgRole.${m.orgRole ?? 'member'}`)}</td>
                  <td>{formatDate(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      {canInvite && !!invitations.data?.length && (
        <table>
          <caption>{t('firmAccount.pending')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('register.fullName')}</th>
              <th scope="col">{t('signIn.email')}</th>
              <th scope="col">{t('firmAccount.invitedAt')}</th>
              <th scope="col">{t('firmAccount.expiresAt')}</th>
            </tr>
          </thead>
          <tbody>
            {invitations.data.map((i) => (
              <tr key={i.id}>
                <td>{i.fullName}</td>
                <td>{i.email}</td>
                <td>{formatDate(i.invitedAt)}</td>
                <td>{formatDate(i.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canInvite && (
        <form onSubmit={(e) => void handleSubmit((v) => invite.mutate(v))(e)} noValidate>
          <h3>{t('firmAccount.invite')}</h3>
          <div className="field">
            <label htmlFor="member-name">{t('register.fullName')}</label>
            <input
              id="member-name"
              aria-invalid={!!formState.errors.fullName}
              {...register('fullName', { required: true, maxLength: 200 })}
            />
          </div>
          <div className="field">
            <label htmlFor="member-email">{t('signIn.email')}</label>
            <input
              id="member-email"
              type="email"
              aria-invalid={!!formState.errors.email}
              {...register('email', { required: true, pattern: /^\S+@\S+\.\S+$/ })}
            />
            {formState.errors.email && <span className="field-error">{t('signIn.emailInvalid')}</span>}
          </div>
          {invite.error && <ErrorMessage error={invite.error} />}
          {invite.isSuccess && <p role="status">{t('firmAccount.invited')}</p>}
          <button type="submit" disabled={invite.isPending}>
            {t('firmAccount.inviteSubmit')}
          </button>
        </form>
      )}
    </>
  );
}
