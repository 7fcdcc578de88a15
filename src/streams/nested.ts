/** Mappers for the small objects that several artifacts share (endorsement, label, usage and upstream lists). */
import type {
  ScanDatasourceUsage,
  ScanEndorsementDetails,
  ScanSensitivityLabel,
  ScanUpstreamDataflow,
  ScanUpstreamDatamart,
  ScanUpstreamDataset,
} from '../powerbi/scan-types.js';
import { personal, type UserIdentifiersMode } from './privacy.js';
import { list, text } from './values.js';

type Maybe<T> = T | null | undefined;

export function endorsementDetails(value: Maybe<ScanEndorsementDetails>, mode: UserIdentifiersMode) {
  if (!value) return null;
  return { endorsement: text(value.endorsement), certifiedBy: personal(text(value.certifiedBy), mode) };
}

export function sensitivityLabel(value: Maybe<ScanSensitivityLabel>) {
  return value ? { labelId: text(value.labelId) } : null;
}

export function datasourceUsages(value: Maybe<readonly ScanDatasourceUsage[]>) {
  return value
    ? list(value).map((usage) => ({ datasourceInstanceId: text(usage?.datasourceInstanceId) }))
    : null;
}

export function upstreamDataflows(value: Maybe<readonly ScanUpstreamDataflow[]>) {
  return value
    ? list(value).map((up) => ({ targetDataflowId: text(up?.targetDataflowId), groupId: text(up?.groupId) }))
    : null;
}

export function upstreamDatamarts(value: Maybe<readonly ScanUpstreamDatamart[]>) {
  return value
    ? list(value).map((up) => ({ targetDatamartId: text(up?.targetDatamartId), groupId: text(up?.groupId) }))
    : null;
}

export function upstreamDatasets(value: Maybe<readonly ScanUpstreamDataset[]>) {
  return value
    ? list(value).map((up) => ({ targetDatasetId: text(up?.targetDatasetId), groupId: text(up?.groupId) }))
    : null;
}
