/** Handlers of spec/platform/accounting.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { bankFeed } from '../accounting/bank-feed.ts';
import { invoiceAndPaymentActions } from '../accounting/documents.ts';
import { journalActions } from '../accounting/journal-actions.ts';
import { guardedDeletes } from '../dependencies/guarded-deletes.ts';

export const accountingHandlers = {
  'accounting.approveInvoice': invoiceAndPaymentActions.approveInvoice,
  'accounting.closePeriod': journalActions.closePeriod,
  'accounting.createJournalEntry': journalActions.createJournalEntry,
  'accounting.createPayment': invoiceAndPaymentActions.createPayment,
  'accounting.deleteAccount': guardedDeletes.accounts,
  'accounting.deleteBankAccount': guardedDeletes.bankAccounts,
  'accounting.deleteJournalEntry': journalActions.deleteJournalEntry,
  'accounting.executeRecurringEntryNow': journalActions.executeRecurringEntryNow,
  'accounting.getJournalEntry': journalActions.getJournalEntry,
  'accounting.importBankTransactions': bankFeed.importBankTransactions,
  'accounting.listBankTransactions': bankFeed.listBankTransactions,
  'accounting.matchBankTransaction': bankFeed.matchBankTransaction,
  'accounting.postJournalEntry': journalActions.postJournalEntry,
  'accounting.reconcileBankAccount': bankFeed.reconcileBankAccount,
  'accounting.reopenPeriod': journalActions.reopenPeriod,
  'accounting.reverseJournalEntry': journalActions.reverseJournalEntry,
  'accounting.updateJournalEntry': journalActions.updateJournalEntry,
  'accounting.voidInvoice': invoiceAndPaymentActions.voidInvoice,
  'accounting.voidPayment': invoiceAndPaymentActions.voidPayment,
} satisfies Partial<PlatformHandlers>;
