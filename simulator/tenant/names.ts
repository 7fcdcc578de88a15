/** Word pools for realistic, partly non-ASCII names. */
export const FIRST_NAMES = [
  'John',
  'Ana',
  'Li',
  'Søren',
  'Zoë',
  'José',
  'Priya',
  'Kenji',
  'Fatima',
  'Łukasz',
  'Amélie',
  'Olu',
  'Chen',
  'Mariana',
  'Björn',
  'Aisha',
  'Dmitri',
  'Noa',
  'Émile',
  'Sven',
  'Hana',
  'Raúl',
  'Ines',
  'Tomás',
] as const;

export const LAST_NAMES = [
  'Nick',
  'Gómez',
  'Na',
  'Ødegård',
  'Müller',
  'García',
  'Sharma',
  'Tanaka',
  'Haddad',
  'Wójcik',
  'Dubois',
  'Okafor',
  'Wang',
  'Silva',
  'Lindqvist',
  'Khan',
  'Ivanov',
  'Levi',
  'Rousseau',
  'Berg',
  'Kim',
  'Núñez',
] as const;

/** Display names written in their own script, used for a few users. */
export const NATIVE_NAMES = [
  '李 娜',
  '山田 太郎',
  'محمد علي',
  'Ελένη Παππά',
  'Иван Петров',
  '김 민준',
] as const;

export const DEPARTMENTS = [
  'Sales',
  'Finance',
  'Marketing',
  'HR',
  'Operations',
  'Supply Chain',
  'Customer Success',
  'IT',
  'Legal',
  'R&D',
  'Procurement',
  'Logistics',
  'Risk',
  'Treasury',
  'Data Platform',
  'Executive',
] as const;

export const WORKSPACE_SUFFIXES = [
  'Analytics',
  'Reporting',
  'Dashboards',
  'Self-Service',
  'Data Prep',
  'Sandbox',
  '(Prod)',
  '(Test)',
  'KPIs',
  'Insights',
] as const;

/** Names with accents, CJK, RTL, emoji: exercise Unicode handling downstream. */
export const UNICODE_WORKSPACE_NAMES = [
  'Finance – Ünïcödé 财务',
  'Ventas España',
  'Продажи',
  '売上分析',
  'المبيعات',
  'Öffentlicher Sektor',
  'Café ☕ KPIs',
  'Δεδομένα',
  '재무 보고',
  'Zürich Operations',
] as const;

export const SUBJECTS = [
  'Sales',
  'Revenue',
  'Orders',
  'Customers',
  'Inventory',
  'Pipeline',
  'Headcount',
  'Budget',
  'Forecast',
  'Churn',
  'Margin',
  'Returns',
  'Shipments',
  'Tickets',
  'Payroll',
  'Invoices',
  'Campaigns',
  'Web Traffic',
  'Umsätze',
  '売上',
] as const;

export const REPORT_SUFFIXES = [
  'Overview',
  'Dashboard',
  'Detail',
  'Trends',
  'Explorer',
  'by Region',
  'YoY',
  'Monthly',
] as const;

export const DATASET_SUFFIXES = ['Model', 'Dataset', 'DW', 'Semantic Model', 'Mart', 'Cube'] as const;

export const TABLE_STEMS = [
  'Sales',
  'Customer',
  'Product',
  'Date',
  'Region',
  'Orders',
  'Account',
  'Employee',
  'Inventory',
  'Store',
  'Campaign',
  'Invoice',
  'Ticket',
  'Supplier',
  'Shipment',
  'Budget',
] as const;

export const SCHEMAS = ['dbo', 'sales', 'finance', 'staging', 'public', 'analytics', 'RAW', 'CORE'] as const;

export const DATABASES = [
  'SalesDW',
  'ERP',
  'FINANCE',
  'ANALYTICS',
  'crm',
  'warehouse',
  'HR',
  'PROD_DB',
] as const;
