import { Link, useLocation } from "wouter";

/** Breadcrumbs and the project's tabs, on every page inside a project. */
export function ProjectHeader({
  project,
  title,
  subtitle,
}: {
  project: string;
  title?: string;
  subtitle?: string;
}) {
  const [location] = useLocation();
  const tabs = [
    {
      href: `/projects/${project}`,
      label: "Stages",
      current: (l: string) => l === `/projects/${project}` || l.includes("/stages/"),
    },
    { href: `/projects/${project}/config`, label: "Config", current: (l: string) => l.endsWith("/config") },
  ];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link href="/projects">Projects</Link>
            <span aria-hidden="true">/</span>
            <Link href={`/projects/${project}`}>{project}</Link>
          </nav>
          <h1>{title ?? project}</h1>
          {subtitle ? <p className="muted">{subtitle}</p> : null}
        </div>
      </div>
      <nav className="tabs" aria-label="Project">
        {tabs.map((t) => (
          <Link
            key={t.href}
            href={t.href}
            className="tab"
            aria-current={t.current(location) ? "page" : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
