/**
 * The operator and finance console in {@code serve}: people and their roles (in the database), sign-in with Spring
 * Security, an append-only audit of every action, and the pages that show the nights and act on executions through the
 * same services as the command line.
 */
package dev.billing.console;
