"""Every operation that changes repairs and inspections: one transaction each, validation inside,
a change-log row written. Views, the API, tasks, the demo and imports all call these."""
