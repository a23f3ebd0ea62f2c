import { Injectable, inject } from '@angular/core';
import type { components } from '../api/types';
import { ApiService } from './api.service';

export type MapView = components['schemas']['MapView'];

const NO_MAP: MapView = { tile_url: null, attribution: null, max_zoom: 0 };

/** The basemap the server offers for routes, asked once per session (it changes only with the configuration). */
@Injectable({ providedIn: 'root' })
export class MapService {
  private readonly api = inject(ApiService);
  private answer: Promise<MapView> | null = null;

  basemap(): Promise<MapView> {
    this.answer ??= this.api.get('/api/v1/map').catch(() => {
      // Without an answer the route is drawn on its own; ask again next time.
      this.answer = null;
      return NO_MAP;
    });
    return this.answer;
  }
}
