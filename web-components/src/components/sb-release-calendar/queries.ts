/** One query for the whole visible range: everything the calendar shows. */
export const CALENDAR_QUERY = `query SbReleaseCalendar($input: CalendarInput!) {
  calendar(input: $input) {
    windows {
      id kind title environment startsAt endsAt status releaseId
      businessUnit { id key name }
      services { id key name }
      resources
    }
    freezeOccurrences {
      startsAt endsAt freezeId title rrule status
      freeze { id reason scope timeZone businessUnit { key name } }
    }
    conflicts {
      kind severity resources
      first { id title }
      second { id title }
      services { id key name }
    }
    productionChanges { at flagKey flagId environment action }
    vendorReleases { id title releaseVersion startsAt endsAt status flagged vendor { name } }
    deployments { id kind occurredAt serviceRef environmentRef artifactRef service { key name } }
    incidents { id status description detectedAt resolvedAt serviceRef service { key name } }
  }
}`;

interface Named {
  readonly id?: string;
  readonly key: string;
  readonly name: string;
}

export interface DeploymentWindow {
  readonly id: string;
  readonly kind: 'RELEASE' | 'MAINTENANCE' | 'VENDOR';
  readonly title: string;
  readonly environment: string | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: string;
  readonly releaseId: string | null;
  readonly businessUnit: (Named & { readonly id: string }) | null;
  readonly services: readonly Named[];
  readonly resources: readonly string[];
}

export interface FreezeOccurrence {
  readonly startsAt: string;
  readonly endsAt: string;
  readonly freezeId: string;
  readonly title: string;
  readonly rrule: string | null;
  readonly status: string;
  readonly freeze: {
    readonly id: string;
    readonly reason: string;
    readonly scope: string;
    readonly timeZone: string;
    readonly businessUnit: { readonly key: string; readonly name: string } | null;
  } | null;
}

export interface CalendarConflict {
  readonly kind: string;
  readonly severity: 'BLOCKING' | 'WARNING' | 'INFO';
  readonly resources: readonly string[];
  readonly first: { readonly id: string; readonly title: string };
  readonly second: { readonly id: string; readonly title: string };
  readonly services: readonly Named[];
}

export interface ProductionChange {
  readonly at: string;
  readonly flagKey: string;
  readonly flagId: string;
  readonly environment: string | null;
  readonly action: string;
}

export interface VendorRelease {
  readonly id: string;
  readonly title: string;
  readonly releaseVersion: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: string;
  readonly flagged: boolean;
  readonly vendor: { readonly name: string } | null;
}

export interface DeploymentReport {
  readonly id: string;
  readonly kind: string;
  readonly occurredAt: string;
  readonly serviceRef: string;
  readonly environmentRef: string;
  readonly artifactRef: string;
  readonly service: Named | null;
}

export interface IncidentReport {
  readonly id: string;
  readonly status: string;
  readonly description: string;
  readonly detectedAt: string;
  readonly resolvedAt: string | null;
  readonly serviceRef: string;
  readonly service: Named | null;
}

export interface CalendarSlice {
  readonly windows: readonly DeploymentWindow[];
  readonly freezeOccurrences: readonly FreezeOccurrence[];
  readonly conflicts: readonly CalendarConflict[];
  readonly productionChanges: readonly ProductionChange[];
  readonly vendorReleases: readonly VendorRelease[];
  readonly deployments: readonly DeploymentReport[];
  readonly incidents: readonly IncidentReport[];
}

export interface CalendarQuery {
  readonly calendar: CalendarSlice;
}
