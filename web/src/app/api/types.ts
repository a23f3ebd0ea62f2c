// Aliases of the generated OpenAPI types (src/app/api/schema.d.ts, written by `npm run api:types`).
// Nothing here restates an API shape by hand: every type is taken from the generated document.
import type { components, operations, paths } from './schema';

export type { components, operations, paths };

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type ProblemField = Schemas['ProblemField'];
export type MeView = Schemas['MeView'];
export type MePatch = Schemas['MePatch'];
export type Role = Schemas['Role'];
export type UnitSystem = Schemas['UnitSystem'];
export type FirstWeekday = Schemas['FirstWeekday'];
export type Sex = Schemas['Sex'];
export type LoginBody = Schemas['LoginBody'];
export type RegisterBody = Schemas['RegisterBody'];
export type RefreshBody = Schemas['RefreshBody'];
export type TokenResponse = Schemas['TokenResponse'];
export type PasswordBody = Schemas['PasswordBody'];
export type DeleteMeBody = Schemas['DeleteMeBody'];
export type DisableBody = Schemas['DisableBody'];
export type CodeBody = Schemas['CodeBody'];
export type RecoveryCodes = Schemas['RecoveryCodes'];
export type TotpEnrolmentView = Schemas['TotpEnrolmentView'];
export type AvatarInfo = Schemas['AvatarInfo'];
export type SessionView = Schemas['SessionView'];
export type AdminUserView = Schemas['AdminUserView'];
export type AdminUserPatch = Schemas['AdminUserPatch'];
export type ActivityView = Schemas['ActivityView'];
export type ActivityList = Schemas['ActivityList'];
export type UserPage = Schemas['UserPage'];
export type ImportView = Schemas['ImportView'];
export type DailySummariesView = Schemas['DailySummariesView'];
export type FigureColumns = Schemas['FigureColumns'];
export type FigureName = keyof FigureColumns;
export type SampleListView = Schemas['SampleListView'];
export type SampleView = Schemas['SampleView'];
export type SamplePageView = Schemas['SamplePageView'];
export type BucketListView = Schemas['BucketListView'];
export type BucketView = Schemas['BucketView'];
export type SleepSessionView = Schemas['SleepSessionView'];
export type Metric = Schemas['Metric'];

/** Query parameters of `GET /api/v1/samples`. */
export type SamplesQuery = NonNullable<paths['/api/v1/samples']['get']['parameters']['query']>;
export type AttributionView = Schemas['AttributionView'];
export type SourceAttributionView = Schemas['SourceAttributionView'];
export type RunView = Schemas['RunView'];
export type SourceView = Schemas['SourceView'];
export type RoutesView = Schemas['RoutesView'];
export type RouteView = Schemas['RouteView'];
export type PreferencesView = Schemas['PreferencesView'];
export type PreferencesBody = Schemas['PreferencesBody'];
export type TodayCard = Schemas['TodayCard'];
