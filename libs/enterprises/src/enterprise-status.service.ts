import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, enterpriseStatus, ErrorCode, Msg } from '@app/common';
import { AuditService } from '@app/audit';
import { MAIL_JOBS, OutboxService } from '@app/jobs';
import { Enterprise, saveEnterprise } from './enterprise-records';
import { areaNameOf, findEnterprise } from './enterprise-access';
import { EnterpriseView, toEnterpriseView } from './enterprise-views';
import { activityChange, nextStatus, StatusAction, STATUS_TRANSITIONS } from './status-transitions';
import { footprintDeltas } from './activity-deltas';
import { applyActivityDeltas } from './activity-store';
import { assertEffectiveDateAllowed } from './effective-date-rules';
import { insertStatusHistory } from './status-history';
import { ChangeEnterpriseStatusDto } from './dto/change-enterprise-status.dto';
import { cityTodayByDb } from '@app/database';

const PAST_TENSE: Record<StatusAction, string> = {
  verify: 'verified',
  reject: 'rejected',
  suspend: 'suspended',
  reinstate: 'reinstated',
  cease: 'ceased',
};

const statusSnapshot = (e: Enterprise) => ({
  status: e.status,
  statusReason: e.statusReason,
  statusEffectiveDate: e.statusEffectiveDate,
});

/** The admin's decisions on a registration: verify, reject, suspend, reinstate, cease. */
@Injectable()
export class EnterpriseStatusService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * One transition, in one transaction: the firm row (locked, so two admins cannot race), its dated
   * history row, the indicator's deltas on the effective date, the audit entry and the mail job.
   */
  async change(actor: AuthUser, id: string, action: StatusAction, dto: ChangeEnterpriseStatusDto): Promise<EnterpriseView> {
    const rule = STATUS_TRANSITIONS[action];
    if (rule.reasonRequired && !dto.reason) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
        { field: 'reason', errors: [`a reason is required to ${action} an enterprise; the firm is told it`] },
      ]);
    }
    return this.dataSource.transaction(async (manager) => {
      const firm = await findEnterprise(manager, id, true);
      const from = firm.status;
      const to = nextStatus(from, action);
      if (!to) {
        throw new AppError(
          ErrorCode.ENTERPRISE_STATUS_CONFLICT,
          { status: enterpriseStatus(from), action: new Msg(`statusActions.${action}`) },
          {
            currentStatus: from,
            action,
            allowedFrom: rule.from,
          },
        );
      }

      const today = await cityTodayByDb(manager);
      const effectiveDate = dto.effectiveDate ?? today;
      if (effectiveDate > today) {
        throw new AppError(
          ErrorCode.EFFECTIVE_DATE_INVALID,
          { effectiveDate, today },
          {
            field: 'effectiveDate',
            effectiveDate,
            today,
          },
        );
      }
      await assertEffectiveDateAllowed(manager, firm, action, effectiveDate);

      const before = statusSnapshot(firm);
      firm.status = to;
      firm.statusReason = dto.reason ?? null;
      firm.statusEffectiveDate = effectiveDate;
      const saved = await saveEnterprise(manager, firm);
      const historyId = await insertStatusHistory(manager, {
        enterpriseId: id,
        fromStatus: from,
        toStatus: to,
        effectiveDate,
        reason: dto.reason ?? null,
        actorId: actor.id,
      });
      const change = activityChange(from, to);
      if (change !== 0) await applyActivityDeltas(manager, effectiveDate, footprintDeltas(firm, change));
      await this.audit.record(manager, {
        actor,
        action: `enterprise.${PAST_TENSE[action]}`,
        entityType: 'enterprise',
        entityId: id,
        before,
        after: { ...statusSnapshot(saved), historyId },
      });
      await this.outbox.enqueueMail(manager, MAIL_JOBS.enterpriseStatusChanged, { enterpriseId: id, historyId });
      return toEnterpriseView(saved, { areaName: await areaNameOf(manager, saved.areaCode), privileged: true });
    });
  }
}
