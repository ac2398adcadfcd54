export * from './complaints.module';
export * from './complaints.service';
export * from './standstill.service';
export * from './complaint.constants';
export * from './complaint-transitions';
export * from './dto/complaint.dto';
export * from './complaint-attachments';
export { MAX_COMPLAINT_ATTACHMENTS } from './complaint-attachment-rows';
