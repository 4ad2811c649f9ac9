export * from './directory-cache';
