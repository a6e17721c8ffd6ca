# সুপারভাইজারের ড্যাশবোর্ড: ই-কমার্স অভিযোগ সেলের অংশ (শুধু কর্মীদের জন্য; কিছুই বাদ নয়)।

dash-claims-title = ই-কমার্স দাবি
dash-claims-intro = অভিযোগ সেলের সব দাবি, যে পর্যায়েই থাকুক, কিছুই বাদ না দিয়ে (সর্বসাধারণের স্বচ্ছতার পাতায় ছোট সংখ্যা আড়াল করা হয়)। প্রতি মিনিটে সর্বোচ্চ একবার নতুন করে গোনা হয়।
dash-claims-none = এখনো কোনো দাবি জমা পড়েনি।
dash-claims-claims = দাবি
dash-claims-merchants = প্রতিষ্ঠান
dash-claims-victims = ক্ষতিগ্রস্ত
dash-claims-paid = পরিশোধ
dash-claims-refunded = ফেরত
dash-claims-outstanding = পাওনা
dash-claims-open = খোলা দাবি
dash-claims-chart-merchants = প্রতিষ্ঠান অনুযায়ী পাওনা, শীর্ষ ১০ (টাকা)
dash-claims-chart-months = অর্ডারের মাস অনুযায়ী দাবি
dash-claims-series = দাবি
dash-claims-districts = দাবিদারের জেলা অনুযায়ী, পাওনায় শীর্ষ ১০
dash-claims-district = জেলা
dash-claims-merchant-id = প্রতিষ্ঠান { $id }
dash-claims-all = সব দাবি
dash-claims-public = সর্বসাধারণের স্বচ্ছতার পাতা
