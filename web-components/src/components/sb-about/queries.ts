export const ABOUT_QUERY = 'query SbAbout { about { name version } }';

export interface AboutQuery {
  readonly about: {
    readonly name: string;
    readonly version: string;
  };
}
