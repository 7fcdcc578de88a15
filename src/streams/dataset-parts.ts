/** Mappers for the dataset-only nested fields: expressions, roles, refresh schedules, Fabric relations. */
import type {
  ScanDirectQueryRefreshSchedule,
  ScanExpression,
  ScanRefreshSchedule,
  ScanRelation,
  ScanRole,
} from '../powerbi/scan-types.js';
import { principalValue, type UserIdentifiersMode } from './privacy.js';
import { flag, integer, list, strings, text } from './values.js';

type Maybe<T> = T | null | undefined;

export function expressions(value: Maybe<readonly ScanExpression[]>) {
  if (!value) return null;
  return list(value).map((e) => ({
    name: text(e.name),
    description: text(e.description),
    expression: text(e.expression),
  }));
}

export function roles(value: Maybe<readonly ScanRole[]>, mode: UserIdentifiersMode) {
  if (!value) return null;
  return list(value).map((role) => ({
    name: text(role.name),
    modelPermission: text(role.modelPermission),
    members: role.members
      ? list(role.members).map((member) => {
          const memberType = text(member.memberType);
          return {
            memberName: principalValue(text(member.memberName), memberType, mode),
            memberId: principalValue(text(member.memberId), memberType, mode),
            memberType,
            identityProvider: text(member.identityProvider),
          };
        })
      : null,
    tablePermissions: role.tablePermissions
      ? list(role.tablePermissions).map((p) => ({
          name: text(p.name),
          filterExpression: text(p.filterExpression),
        }))
      : null,
  }));
}

export function refreshSchedule(value: Maybe<ScanRefreshSchedule>) {
  if (!value) return null;
  return {
    days: strings(value.days),
    times: strings(value.times),
    enabled: flag(value.enabled),
    localTimeZoneId: text(value.localTimeZoneId),
    notifyOption: text(value.notifyOption),
  };
}

export function directQueryRefreshSchedule(value: Maybe<ScanDirectQueryRefreshSchedule>) {
  if (!value) return null;
  return {
    frequency: integer(value.frequency),
    days: strings(value.days),
    times: strings(value.times),
    localTimeZoneId: text(value.localTimeZoneId),
  };
}

export function relations(value: Maybe<readonly ScanRelation[]>) {
  if (!value) return null;
  return list(value).map((r) => ({
    dependentOnArtifactId: text(r.dependentOnArtifactId),
    workspaceId: text(r.workspaceId),
    relationType: text(r.relationType),
    settingsList: text(r.settingsList),
    usage: text(r.usage),
  }));
}
