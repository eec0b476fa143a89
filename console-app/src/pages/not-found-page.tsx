import { Notice } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { Link } from '../router';

/** 404 in the console: what was not found, and where to go instead. */
export function NotFoundPage(props: { what: string; detail: string }) {
  return (
    <section>
      <PageTitle>{`404: ${props.what} not found`}</PageTitle>
      <Notice kind="error">{props.detail}</Notice>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
