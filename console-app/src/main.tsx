// The web console: a Preact app the engine serves at /console/ (see src/console/ for the server
// side). It uses the management API only. Entry point: takes a portal link's token out of the
// address, then renders the app.
import { render } from 'preact';
import { adoptPortalToken } from './api-client';
import { App } from './app';
import './styles.css';

adoptPortalToken();
render(<App />, document.getElementById('app')!);
