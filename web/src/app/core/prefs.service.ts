import { Injectable, computed, inject } from '@angular/core';
import type { MePatch, MeView, UnitSystem } from '../api/types';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';
import { browserZone, isValidZone } from './time';
import * as units from './units';

/**
 * The signed-in user's display preferences (server-side, on `/me`): unit system, time zone, first
 * weekday, and formatting bound to them so every quantity on screen follows the unit switch.
 */
@Injectable({ providedIn: 'root' })
export class PrefsService {
  private readonly auth = inject(AuthService);
  private readonly api = inject(ApiService);

  readonly units = computed<UnitSystem>(() => this.auth.me()?.unit_system ?? 'metric');
  readonly zone = computed(() => {
    const z = this.auth.me()?.time_zone;
    return isValidZone(z) ? z : browserZone();
  });
  readonly firstWeekday = computed(() => this.auth.me()?.first_weekday ?? 'monday');

  /** `PATCH /me`; the answer replaces the local profile. */
  async update(patch: MePatch): Promise<MeView> {
    const me = await this.api.patch('/api/v1/me', { body: patch });
    this.auth.me.set(me);
    return me;
  }

  distance(m: number | null | undefined): units.Quantity {
    return units.distance(m, this.units());
  }

  mass(kg: number | null | undefined): units.Quantity {
    return units.mass(kg, this.units());
  }

  height(cm: number | null | undefined): units.Quantity {
    return units.height(cm, this.units());
  }

  elevation(m: number | null | undefined): units.Quantity {
    return units.elevation(m, this.units());
  }
}
