export { invoiceCollection } from './invoice-collection';
