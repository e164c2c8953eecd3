-- Items whose description mentions quality, and their sales.
select i_item_id, i_item_desc, sum(ss_quantity) as units
from item
join store_sales on ss_item_sk = i_item_sk
where i_item_desc like '%quality%'
  and i_current_price between 20 and 60
group by i_item_id, i_item_desc
order by units desc
limit 20;
